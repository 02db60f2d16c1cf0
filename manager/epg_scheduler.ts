/** Refreshes each enabled guide on its own schedule (see scheduler.ts, which runs both kinds). */
export { runDueEpgImports } from "./scheduler.ts";
