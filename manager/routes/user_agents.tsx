/** User agents: the strings sent upstream; pages under /admin/user-agents, API /user-agents. */
import { userAgents } from "../../common/db/user_agents.ts";
import { UserAgent, UserAgentInput } from "../../common/schemas.ts";
import { defineResource, repositoryOps } from "../resources/define.ts";
import { nameField } from "../resources/form.ts";

/** The user agent resource. */
export const userAgentResource = defineResource({
  noun: "User agent",
  path: "user-agents",
  input: UserAgentInput,
  fields: [
    nameField(),
    {
      name: "userAgent",
      label: "User agent string",
      kind: "text",
      required: true,
      hint: "Sent upstream when downloading playlists, guides and icons.",
    },
  ],
  ops: repositoryOps(userAgents),
  pages: {
    title: "User agents",
    addLabel: "Add user agent",
    empty: "No user agents yet. Without one, USER_AGENT_STRING is sent.",
    newTitle: "New user agent",
    editTitle: () => "Edit user agent",
    columns: [
      { head: "Name", cell: (ua) => <a href={`/admin/user-agents/${ua.id}`}>{ua.name}</a> },
      {
        head: "User agent",
        opt: true,
        class: "url",
        cell: (ua) => <span title={ua.userAgent}>{ua.userAgent}</span>,
      },
    ],
  },
  api: {
    path: "/user-agents",
    name: "UserAgent",
    tag: "User agents",
    noun: "user agent",
    view: UserAgent,
  },
});
