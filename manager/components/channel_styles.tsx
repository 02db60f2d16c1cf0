/**
 * Styles of the channel list and channel page (logos, inline editors, the guide picker), kept
 * beside them rather than in the layout every page loads.
 */

const CSS = `
img.logo,span.logo{display:inline-block;flex:none;border-radius:6px;object-fit:contain;background:#f1f4f8;vertical-align:middle}
span.logo.placeholder{display:inline-flex;align-items:center;justify-content:center;color:#4a5566;font-weight:600;border:1px solid #dde3ea;overflow:hidden}
table.ch-table td{vertical-align:middle}table.ch-table td[data-col=logo]{width:44px}
table.ch-table input.num{width:5.5rem}table.ch-table input.name{min-width:11rem}
table.ch-table .sub.url{max-width:14rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.ch-table code,.pick code{font-size:.8rem;background:#f1f4f8;padding:0 .25rem;border-radius:4px;overflow-wrap:anywhere}
.guide-cell{display:flex;gap:.45rem;align-items:center;min-width:12rem}.guide-cell .what{flex:1;min-width:0}
.guide-cell .what>*{display:block}.guide-cell .what>.badge{display:inline-block}.badge.nodata{background:#fdf1e7;color:#8a3b00}.ch-table .sub{color:#5b6778;font-size:.8rem}
.edit-status{min-height:1.4rem}.edit-status .saved{color:#146c2e}
dialog.guide-picker{width:min(42rem,calc(100vw - 1rem));max-height:calc(100vh - 2rem);border:1px solid #dde3ea;border-radius:10px;padding:1rem;color:#1d2430}
dialog.guide-picker::backdrop{background:rgba(23,32,46,.45)}dialog.guide-picker h2{font-size:1.1rem;margin:0 0 .5rem}
ul.picks{list-style:none;padding:0;margin:0 0 .8rem;max-height:55vh;overflow:auto}
button.pick{display:flex;width:100%;gap:.6rem;align-items:center;text-align:left;background:#fff;color:#1d2430;border:1px solid #dde3ea;margin-bottom:.3rem}
button.pick:hover,button.pick:focus-visible{border-color:#1f5fbf;background:#eef4fd}button.pick.on{border-color:#146c2e;background:#e7f6ec}
.pick-text{min-width:0}.pick-text .hint{display:block}
details.bulk{margin:.2rem 0}details.bulk summary{cursor:pointer;color:#1f5fbf}
.rename{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}.rename>div{flex:1 1 12rem}.rename label{margin-top:0}
.rename label.check{font-weight:400;display:flex;gap:.3rem;align-items:center}
ul.samples{margin:.3rem 0;padding-left:1.2rem}
.channel-head{display:flex;gap:1rem;align-items:flex-start}.channel-facts{flex:1;min-width:0;display:grid;gap:.5rem}
.channel-facts p{margin:0}.channel-head dl.facts{margin-top:.4rem}
span.label{display:block;margin:.6rem 0 .2rem}
dl.facts.tv dt{font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:640px){
table.ch-table thead{display:none}
table.ch-table tr{display:grid;grid-template-columns:40px 5.5rem minmax(0,1fr);gap:.35rem .5rem;padding:.6rem 0;border-bottom:1px solid #e8ecf1}
table.ch-table td{border:0;padding:0}table.ch-table td.opt{display:none}
table.ch-table td[data-col=guide]{grid-column:1/-1}table.ch-table td[data-col=enabled]{grid-column:1/3}
table.ch-table td[data-label]::before{content:attr(data-label) " ";color:#5b6778;font-size:.8rem}
table.ch-table input.num{width:100%}table.ch-table input.name{min-width:0}
.guide-cell{min-width:0}
}
`;

/** A style element with the channel pages' rules. */
export function ChannelStyles() {
  return <style dangerouslySetInnerHTML={{ __html: CSS }} />;
}
