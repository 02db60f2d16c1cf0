/** The channel page's Play card: the player island, or why there is none. */
import type { Context, Env } from "hono";
import { contentSecurityPolicy } from "../csp.ts";
import type { ManagerDeps } from "../deps.ts";
import { Island } from "../islands/island.tsx";
import { PlayButton } from "../islands/PlayButton.tsx";
import { playTarget } from "../services/play.ts";

/**
 * Finds how to play the channel and answers the card to show. With a player, the page's CSP lets
 * it fetch from that one proxy origin and hand the video element blob: URLs, and no more.
 */
export async function playCard<E extends Env>(c: Context<E>, deps: ManagerDeps, channelId: string) {
  const play = await playTarget(deps, channelId);
  if (play) {
    c.header(
      "Content-Security-Policy",
      contentSecurityPolicy({
        externalImages: !deps.config.iconCache,
        mediaOrigins: [play.origin],
      }),
    );
  }
  return (
    <div class="card" data-testid="play">
      <h2>Watch</h2>
      {play
        ? (
          <Island
            name="PlayButton"
            component={PlayButton}
            props={{
              url: play.url,
              kind: play.kind,
              playlist: play.playlist,
              autoplay: c.req.query("play") === "1",
            }}
          />
        )
        : (
          <p class="muted">
            This channel is in no enabled downstream playlist that streams through a proxy, so there
            is no stream URL to play it with here. Add its group to one to play it.
          </p>
        )}
    </div>
  );
}
