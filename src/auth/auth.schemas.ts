/** Request and response shapes of /auth. @module */
import { z } from "@hono/zod-openapi";
import { email, password, UserSchema } from "../modules/users/users.schemas.ts";

export const LoginSchema = z.object({
  email,
  password: z.string().min(1).max(128).openapi({ example: "leopard-admin-2026" }),
}).strict().openapi("Login");

export const RefreshSchema = z.object({
  refresh_token: z.string().min(1).max(200).openapi({
    example: "bC1vZDl4c0x2a3pYb2l6Q0RqZ2d2R1p1c0d6bW9yZ2Rj",
  }),
}).strict().openapi("Refresh");

export const ChangePasswordSchema = z.object({
  current_password: z.string().min(1).max(128),
  new_password: password,
}).strict().openapi("ChangePassword");

export const TokenPairSchema = z.object({
  access_token: z.string().openapi({ example: "eyJhbGciOiJFZERTQSIs…" }),
  refresh_token: z.string().openapi({ example: "q3Zx…" }),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().openapi({ example: 900 }),
  user: UserSchema,
}).openapi("TokenPair");
