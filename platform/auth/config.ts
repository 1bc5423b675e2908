import { z } from 'zod';

export const roles = ['viewer', 'operator'] as const;
export type Role = (typeof roles)[number];

// API tokens (faultline.yaml, key `auth:`). Defaults live here. With no token
// configured anywhere, `faultline up` generates an operator token into the
// data directory (see tokens.ts).
export const authConfigSchema = z
  .object({
    tokens: z
      .array(
        z
          .object({
            /** Who this token is, as written in the audit log. */
            name: z.string().min(1),
            token: z.string().min(16, { error: 'must be at least 16 characters' }),
            role: z.enum(roles, { error: 'expected viewer or operator' }),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type AuthConfig = z.infer<typeof authConfigSchema>;
