/**
 * A seeded agency's reference data, written by its super_admin as the API lets
 * it: the market's visa categories and types (with document checklists), and the
 * application types with their ordered stages.
 * @module
 */
import {
  application_stages,
  application_types,
  visa_categories,
  visa_types,
} from "../db/schema/index.ts";
import { APPLICATION_TYPES, type ApplicationTypeSpec, type VisaTypeSpec } from "./catalog.ts";
import type { TenantContext } from "./context.ts";
import { DAY_MS } from "./random.ts";
import type { Organisation } from "./tenancy.ts";

export type VisaTypePlan = VisaTypeSpec & { id: string; categoryCode: string };
export type StagePlan = { id: string; name: string; position: number };
export type ApplicationTypePlan = ApplicationTypeSpec & { id: string; stagePlans: StagePlan[] };

export type Reference = { visaTypes: VisaTypePlan[]; applicationTypes: ApplicationTypePlan[] };

/** Adds the tenant's reference data to its batch. */
export function buildReference(ctx: TenantContext, org: Organisation): Reference {
  const { rng, clock, rows } = ctx;
  const author = org.superAdmin;
  let ms = org.createdMs + 2 * DAY_MS;
  const next = () => (ms += 60_000);
  const stamps = (at: number) => ({
    tenant_id: org.tenantId,
    created_at: clock.iso(at),
    updated_at: clock.iso(at),
    created_by: author.userId,
    updated_by: author.userId,
  });

  const visaTypes: VisaTypePlan[] = [];
  for (const category of ctx.market.visas) {
    const at = next();
    const categoryId = rng.id(at);
    rows.created(visa_categories, {
      id: categoryId,
      name: category.name,
      code: category.code,
      description: category.description,
      ...stamps(at),
    }, author);
    for (const type of category.types) {
      const typeAt = next();
      const id = rng.id(typeAt);
      rows.created(visa_types, {
        id,
        visa_category_id: categoryId,
        name: type.name,
        code: type.code,
        description: type.description,
        checklist: type.checklist,
        ...stamps(typeAt),
      }, author);
      visaTypes.push({ ...type, id, categoryCode: category.code });
    }
  }

  const applicationTypes = APPLICATION_TYPES.map((type) => {
    const at = next();
    const id = rng.id(at);
    rows.created(application_types, {
      id,
      name: type.name,
      code: type.code,
      description: type.description,
      ...stamps(at),
    }, author);
    const stagePlans = type.stages.map((name, i) => {
      const stageAt = next();
      const stage = { id: rng.id(stageAt), name, position: i + 1 };
      rows.created(application_stages, {
        ...stage,
        application_type_id: id,
        description: "",
        ...stamps(stageAt),
      }, author);
      return stage;
    });
    return { ...type, id, stagePlans };
  });
  return { visaTypes, applicationTypes };
}
