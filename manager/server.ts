/** Starts the manager's listener, first admin, scheduler and island bundle. */
import type { Config } from "../common/config.ts";
import { ensureAdmin } from "../common/db/users.ts";
import { stopRuns } from "../common/sources/mod.ts";
import { createManagerApp } from "./app.ts";
import { createManagerDeps, type ManagerDeps } from "./deps.ts";
import { ensureIslandBundle } from "./islands/bundle.ts";
import { reconcileImports, startScheduler } from "./scheduler.ts";

/** A running manager. */
export interface RunningManager {
  deps: ManagerDeps;
  server: Deno.HttpServer<Deno.NetAddr>;
  port: number;
  shutdown(): Promise<void>;
}

/** Starts the manager on SOCKET_ADDRESS:INTERNAL_MANAGEMENT_PORT (port 0 picks a free one). */
export async function startManager(
  kv: Deno.Kv,
  config: Config,
  opts: { scheduler?: boolean; quiet?: boolean } = {},
): Promise<RunningManager> {
  await Deno.mkdir(config.dataDir, { recursive: true });
  const admin = await ensureAdmin(kv, {
    username: config.adminUsername,
    email: config.adminEmail,
    password: config.adminPassword,
  });
  // Only while the default password is still in place (not at every start after it changed).
  if (admin.mustChangePassword && !opts.quiet) {
    console.log(
      `The admin account "${admin.username}" still has the default password: log in with "password" once and choose a new one.`,
    );
  }
  const deps = await createManagerDeps(kv, config);
  // Runs left "running" by a manager that died are ended before anything is scheduled.
  await reconcileImports(deps);
  const app = createManagerApp(deps);
  const server = Deno.serve({
    hostname: config.socketAddress,
    port: config.managementPort,
    onListen: ({ hostname, port }) => {
      if (!opts.quiet) console.log(`Manager listening on http://${hostname}:${port}/admin`);
    },
  }, (req, info) => app.fetch(req, info));
  const stopScheduler = opts.scheduler === false ? async () => {} : startScheduler(deps);
  // Build the client bundle in the background so the first page load does not wait for it.
  ensureIslandBundle().catch((err) => console.error(err.message));
  return {
    deps,
    server,
    port: server.addr.port,
    async shutdown() {
      await stopScheduler();
      // Imports of this manager end as interrupted, releasing their leases.
      await stopRuns(kv);
      await server.shutdown();
      await deps.close();
    },
  };
}
