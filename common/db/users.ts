/** Admin accounts, login sessions and API tokens. */
import { ulid } from "ulid";
import { hashPassword, randomToken, sha256Hex } from "../auth/password.ts";
import { NotFoundError } from "../errors.ts";
import type { ApiToken, LoginSession, TokenScope, User } from "../schemas.ts";
import type { Versioned } from "./_repository.ts";
import { createWithIndexes, listValues, updateChecked } from "./_store.ts";
import {
  apiTokenKey,
  apiTokensByHashKey,
  apiTokensPrefix,
  loginSessionKey,
  userKey,
  usersByNameKey,
  usersPrefix,
} from "./keys.ts";
import { bump } from "../kv/revisions.ts";

/** How long a login session lasts without use. */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;

/** Finds an admin user by name. */
export async function findUserByName(kv: Deno.Kv, username: string): Promise<User | null> {
  const idx = await kv.get<string>(usersByNameKey(username));
  if (!idx.value) return null;
  return (await kv.get<User>(userKey(idx.value))).value;
}

/** Reads an admin user or throws NotFoundError. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User> {
  const e = await kv.get<User>(userKey(id));
  if (!e.value) throw new NotFoundError(`User ${id} was not found`);
  return e.value;
}

/** Lists admin users. */
export function listUsers(kv: Deno.Kv): Promise<User[]> {
  return listValues<User>(kv, usersPrefix());
}

/**
 * Makes sure the first admin exists: with a configured password it is used as given; without
 * one the seed's default password works once and must be changed at first login.
 */
export async function ensureAdmin(
  kv: Deno.Kv,
  opts: { username: string; email: string; password: string },
): Promise<User> {
  const existing = await findUserByName(kv, opts.username);
  if (existing) return existing;
  const now = new Date().toISOString();
  const configured = opts.password !== "";
  const user: User = {
    id: ulid(),
    username: opts.username,
    email: opts.email,
    passwordHash: await hashPassword(configured ? opts.password : "password"),
    mustChangePassword: !configured,
    passwordChangedAt: now,
    createdAt: now,
  };
  return await createWithIndexes(kv, userKey(user.id), user, [
    { key: usersByNameKey(user.username), label: `User name "${user.username}"` },
  ], user.id);
}

/** Sets a new password and clears the must-change flag. */
export async function setPassword(kv: Deno.Kv, userId: string, password: string): Promise<User> {
  const hash = await hashPassword(password);
  return updateChecked<User>(kv, userKey(userId), `User ${userId}`, (cur) => ({
    value: {
      ...cur,
      passwordHash: hash,
      mustChangePassword: false,
      passwordChangedAt: new Date().toISOString(),
    },
  }), { topics: ["users"] });
}

/** Starts a login session; returns the cookie value (only its hash is stored). */
export async function createLoginSession(
  kv: Deno.Kv,
  userId: string,
): Promise<{ token: string; session: LoginSession }> {
  const token = randomToken();
  const session: LoginSession = {
    userId,
    csrfToken: randomToken(),
    createdAt: new Date().toISOString(),
    expiresAt: Date.now() + SESSION_TTL_MS,
  };
  await kv.set(loginSessionKey(await sha256Hex(token)), session, { expireIn: SESSION_TTL_MS });
  return { token, session };
}

/** Reads a live login session by its cookie value. */
export async function getLoginSession(kv: Deno.Kv, token: string): Promise<LoginSession | null> {
  const e = await kv.get<LoginSession>(loginSessionKey(await sha256Hex(token)));
  // expireIn is lazy: decide liveness from the stored time.
  if (!e.value || e.value.expiresAt < Date.now()) return null;
  return e.value;
}

/** Ends a login session. */
export async function deleteLoginSession(kv: Deno.Kv, token: string): Promise<void> {
  await kv.delete(loginSessionKey(await sha256Hex(token)));
}

/**
 * Creates an API token with a scope (common/schemas.ts TokenScope); the secret is returned once
 * and only its SHA-256 is stored.
 */
export async function createApiToken(
  kv: Deno.Kv,
  userId: string,
  input: { name: string; scope: TokenScope },
): Promise<{ token: ApiToken; secret: string }> {
  const secret = `iptv_${randomToken()}`;
  const hash = await sha256Hex(secret);
  const token: ApiToken = {
    id: ulid(),
    name: input.name,
    userId,
    hash,
    prefix: secret.slice(0, 10),
    scope: input.scope,
    createdAt: new Date().toISOString(),
    lastUsedAt: null,
  };
  await createWithIndexes(
    kv,
    apiTokenKey(token.id),
    token,
    [
      { key: apiTokensByHashKey(hash), label: "Token" },
    ],
    token.id,
    ["users"],
  );
  return { token, secret };
}

/** Lists API tokens. */
export function listApiTokens(kv: Deno.Kv): Promise<ApiToken[]> {
  return listValues<ApiToken>(kv, apiTokensPrefix());
}

/** Finds the token a secret belongs to. */
export async function findApiToken(kv: Deno.Kv, secret: string): Promise<ApiToken | null> {
  const idx = await kv.get<string>(apiTokensByHashKey(await sha256Hex(secret)));
  if (!idx.value) return null;
  return (await kv.get<ApiToken>(apiTokenKey(idx.value))).value;
}

/** Reads one API token and the version it was read at, or throws NotFoundError. */
export async function getApiToken(kv: Deno.Kv, id: string): Promise<Versioned<ApiToken>> {
  const e = await kv.get<ApiToken>(apiTokenKey(id));
  if (e.versionstamp === null) throw new NotFoundError(`API token ${id} was not found`);
  return { value: e.value, version: e.versionstamp };
}

/** Renames an API token or changes its scope; its secret stays. */
export function updateApiToken(
  kv: Deno.Kv,
  id: string,
  input: { name: string; scope: TokenScope },
  opts: { expectVersion?: string | null } = {},
): Promise<ApiToken> {
  return updateChecked<ApiToken>(kv, apiTokenKey(id), `API token ${id}`, (cur) => ({
    value: { ...cur, name: input.name, scope: input.scope },
  }), { topics: ["users"], expectVersion: opts.expectVersion });
}

/** Revokes an API token. */
export async function revokeApiToken(kv: Deno.Kv, id: string): Promise<void> {
  const e = await kv.get<ApiToken>(apiTokenKey(id));
  if (!e.value) throw new NotFoundError(`API token ${id} was not found`);
  await bump(kv.atomic(), "users").delete(e.key).delete(apiTokensByHashKey(e.value.hash)).commit();
}
