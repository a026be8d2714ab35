/** GET /notifications-demo: a page to watch one's notifications arrive live. @module */
import { createRouter } from "../../lib/router.ts";
import { NOTIFICATIONS_DEMO_HTML } from "./notifications-demo.page.ts";

export const notificationsDemoRouter = createRouter();
notificationsDemoRouter.get("/notifications-demo", (c) => c.html(NOTIFICATIONS_DEMO_HTML));
