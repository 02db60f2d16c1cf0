/** The one client entry: finds island markers and hydrates each with its component. */
import { h, hydrate } from "preact";
import type { FunctionComponent } from "preact";
import { ImportProgress } from "./ImportProgress.tsx";
import { PlayButton } from "./PlayButton.tsx";
import { ChannelTable } from "./ChannelTable.tsx";
import { CopyButton } from "./CopyButton.tsx";
import { DownstreamGroups } from "./DownstreamGroups.tsx";
import { GuideImportProgress } from "./GuideImportProgress.tsx";
import { GuideMappingField } from "./GuideMappingField.tsx";
import { SessionDetail } from "./SessionDetail.tsx";
import { SessionTable } from "./SessionTable.tsx";

const REGISTRY: Record<string, FunctionComponent<Record<string, unknown>>> = {
  ImportProgress: ImportProgress as unknown as FunctionComponent<Record<string, unknown>>,
  ChannelTable: ChannelTable as unknown as FunctionComponent<Record<string, unknown>>,
  CopyButton: CopyButton as unknown as FunctionComponent<Record<string, unknown>>,
  DownstreamGroups: DownstreamGroups as unknown as FunctionComponent<Record<string, unknown>>,
  GuideImportProgress: GuideImportProgress as unknown as FunctionComponent<
    Record<string, unknown>
  >,
  GuideMappingField: GuideMappingField as unknown as FunctionComponent<Record<string, unknown>>,
  PlayButton: PlayButton as unknown as FunctionComponent<Record<string, unknown>>,
  SessionTable: SessionTable as unknown as FunctionComponent<Record<string, unknown>>,
  SessionDetail: SessionDetail as unknown as FunctionComponent<Record<string, unknown>>,
};

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  const component = REGISTRY[el.dataset.island ?? ""];
  const root = el.querySelector<HTMLElement>(":scope > [data-island-root]");
  if (!component || !root) continue;
  const json = el.querySelector(":scope > script[data-island-props]")?.textContent;
  hydrate(h(component, JSON.parse(json || "{}")), root);
  el.dataset.hydrated = "true";
}
