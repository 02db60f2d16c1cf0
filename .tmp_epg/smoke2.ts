import { parseXmltvStream } from "/work/main/common/xmltv/parser.ts";
for (const f of Deno.args) {
  const file = await Deno.open(f);
  const t0 = performance.now();
  const it = parseXmltvStream(file.readable);
  let ch = 0, pr = 0; let step = await it.next();
  let sample = "";
  while (!step.done) { for (const i of step.value) { if (i.kind === "channel") ch++; else { pr++; if (pr === 3) sample = i.xml; } } step = await it.next(); }
  console.log(f.split("/").pop(), ch, pr, (performance.now()-t0).toFixed(0)+"ms", JSON.stringify(step.value));
  if (Deno.env.get("SAMPLE")) console.log(sample);
}
