/** Guide (EPG) operations shared by the pages and the API. */
import {
  createEpg,
  deleteEpg,
  getEpg,
  lastEpgRun,
  listEpgs,
  updateEpg,
} from "../../common/db/epgs.ts";
import { userAgentKey } from "../../common/db/keys.ts";
import { ValidationError } from "../../common/errors.ts";
import { resolveInsideDataDir } from "../../common/import/source.ts";
import type { Epg, EpgImportRun, EpgInput } from "../../common/xmltv/schemas.ts";
import type { ManagerDeps } from "../deps.ts";

/** A guide with its last import, as pages and the API show it. */
export type EpgView = Epg & { lastImport: EpgImportRun | null };

/** One guide with its last import. */
export async function epgView(deps: ManagerDeps, id: string): Promise<EpgView> {
  const epg = await getEpg(deps.kv, id);
  return { ...epg, lastImport: await lastEpgRun(deps.kv, id) };
}

/** All guides with their last imports, by name. */
export async function epgViews(deps: ManagerDeps): Promise<EpgView[]> {
  const list = await listEpgs(deps.kv);
  return await Promise.all(
    list.map(async (epg) => ({ ...epg, lastImport: await lastEpgRun(deps.kv, epg.id) })),
  );
}

async function checkInput(deps: ManagerDeps, input: EpgInput): Promise<void> {
  if (input.userAgentId) {
    const ua = await deps.kv.get(userAgentKey(input.userAgentId));
    if (!ua.value) {
      throw new ValidationError("The user agent does not exist", {
        userAgentId: ["Unknown user agent"],
      });
    }
  }
  if (input.path) {
    await Deno.mkdir(deps.config.dataDir, { recursive: true });
    try {
      await resolveInsideDataDir(deps.config.dataDir, input.path);
    } catch (err) {
      throw new ValidationError((err as Error).message, { path: [(err as Error).message] });
    }
  }
}

/** Creates (id null) or updates a guide after checking its user agent and path. */
export async function saveEpg(deps: ManagerDeps, id: string | null, input: EpgInput): Promise<Epg> {
  await checkInput(deps, input);
  const epg = id ? await updateEpg(deps.kv, id, input) : await createEpg(deps.kv, input);
  return epg;
}

/** Deletes a guide with everything imported from it. */
export async function removeEpg(deps: ManagerDeps, id: string): Promise<void> {
  await deleteEpg(deps.kv, id);
}
