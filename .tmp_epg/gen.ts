import { generateGuide } from "../bench/_epg_data.ts";
const t0 = performance.now();
console.log(await generateGuide(Deno.args[0], { channels: Number(Deno.args[1]), programmesPerChannel: 200 }), performance.now() - t0);
