import { deepEqual, equal } from "node:assert/strict";
import { z } from "zod";
import { ProxyInput, UpstreamPlaylistInput } from "../../common/schemas.ts";
import {
  formErrors,
  type FormField,
  formSchema,
  formValues,
  inputDefaults,
  nameField,
} from "./form.ts";

const PLAYLIST: FormField[] = [
  nameField(),
  { name: "url", label: "URL", kind: "url" },
  { name: "userAgentId", label: "User agent", kind: "select", options: () => [] },
  { name: "excludedGroups", label: "Excluded groups", kind: "lines" },
  { name: "maxConnections", label: "Max connections", kind: "number" },
  { name: "enabled", label: "Enabled", kind: "checkbox" },
];

Deno.test("formSchema() turns the posted strings into the input, defaults for empty ones", () => {
  const parsed = formSchema(PLAYLIST, UpstreamPlaylistInput).parse({
    _csrf: "x",
    name: " Sports ",
    url: "http://a.example/p.m3u",
    userAgentId: "",
    excludedGroups: "Adult\r\n\r\n News \n",
    maxConnections: "",
  });
  deepEqual(parsed, {
    name: "Sports",
    url: "http://a.example/p.m3u",
    path: "",
    userAgentId: null,
    excludedGroups: ["Adult", "News"],
    maxConnections: 1,
    refreshMinutes: 1440,
    // An unchecked box is not posted.
    enabled: false,
  });
});

Deno.test("formErrors() says one thing a field, or the field's own words", () => {
  const fields: FormField[] = [
    nameField(),
    { name: "internalPort", label: "Port", kind: "number", invalid: "A port from 1 to 65535" },
  ];
  const r = formSchema(fields, ProxyInput.pick({ name: true, internalPort: true })).safeParse({
    name: "",
    internalPort: "http",
  });
  equal(r.success, false);
  deepEqual(formErrors(r.error!, fields), {
    name: ["Name is required"],
    internalPort: ["A port from 1 to 65535"],
  });
});

Deno.test("formValues() shows a record as the strings of its form", () => {
  const values = formValues(PLAYLIST, inputDefaults(UpstreamPlaylistInput));
  deepEqual(values, {
    name: "",
    url: "",
    userAgentId: "",
    excludedGroups: "",
    maxConnections: "1",
    enabled: "on",
  });
});

Deno.test("a custom field parses and shows a value of its own encoding", () => {
  const fields: FormField[] = [{
    name: "groups",
    label: "Groups",
    kind: "custom",
    parse: z.string().optional().transform((v) => (v ?? "").split("|").filter(Boolean)),
    show: (v) => (v as string[]).join("|"),
  }];
  const input = z.object({ groups: z.array(z.string()) });
  deepEqual(formSchema(fields, input).parse({ groups: "News|Sport" }), {
    groups: ["News", "Sport"],
  });
  deepEqual(formValues(fields, { groups: ["News", "Sport"] }), { groups: "News|Sport" });
});
