/**
 * Island: plays a channel in the page through the streaming proxy, so an admin sees at once
 * whether it works. HLS goes through hls.js, MPEG-TS through mpegts.js (browsers play neither
 * natively, bar Safari's HLS); both feed the video element through Media Source Extensions.
 * The libraries are loaded only when Play is pressed (dynamic import: a chunk of their own).
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";

/** How the stream is played. */
export type PlayKind = "hls" | "mpegts" | "native";

/** Props: the proxy URL of the stream, how to play it, and the playlist whose token it uses. */
export interface PlayButtonProps extends Record<string, unknown> {
  url: string;
  kind: PlayKind;
  playlist: string;
  /** starts at once (the downstream editor's preview opens the channel page to play it) */
  autoplay?: boolean;
}

/** What a started player gives back: how to stop it. */
interface Player {
  destroy(): void;
}

type State = "idle" | "loading" | "playing" | "failed";

/** How long a stream may take to show its first picture. */
const PICTURE_TIMEOUT_S = 20;

/** Starts hls.js on the video element; `fail` is told of a fatal error. */
async function startHls(video: HTMLVideoElement, url: string, fail: (why: string) => void) {
  const { default: Hls } = await import("hls.js");
  if (!Hls.isSupported()) {
    // Safari plays HLS itself.
    video.src = url;
    return { destroy: () => video.removeAttribute("src") };
  }
  // No worker: the page's CSP allows none, and one channel's demuxing fits the main thread.
  const hls = new Hls({ enableWorker: false, lowLatencyMode: false });
  hls.on(Hls.Events.ERROR, (_event, data) => {
    const code = data.response?.code;
    if (data.fatal) fail(`${data.type}: ${data.details}${code ? ` (HTTP ${code})` : ""}`);
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return hls;
}

/** What this island uses of mpegts.js (its typings describe a UMD global, not the module). */
interface MpegtsLib {
  getFeatureList(): { mseLivePlayback: boolean };
  createPlayer(
    source: { type: "mpegts"; isLive: boolean; url: string },
    config: { enableWorker: boolean; liveBufferLatencyChasing: boolean },
  ): {
    on(
      event: string,
      listener: (type: string, detail: string, info?: { code?: number }) => void,
    ): void;
    attachMediaElement(video: HTMLVideoElement): void;
    load(): void;
    pause(): void;
    unload(): void;
    detachMediaElement(): void;
    destroy(): void;
  };
  Events: { ERROR: string };
}

/** Starts mpegts.js on the video element for an endless MPEG-TS stream. */
async function startMpegts(video: HTMLVideoElement, url: string, fail: (why: string) => void) {
  // A webpack UMD build: its ES module default export is the library.
  const mpegts = (await import("mpegts.js")).default as unknown as MpegtsLib;
  if (!mpegts.getFeatureList().mseLivePlayback) {
    throw new Error("this browser cannot play live MPEG-TS (no Media Source Extensions)");
  }
  const player = mpegts.createPlayer(
    { type: "mpegts", isLive: true, url },
    { enableWorker: false, liveBufferLatencyChasing: true },
  );
  player.on(
    mpegts.Events.ERROR,
    (type, detail, info) => fail(`${type}: ${detail}${info?.code ? ` (HTTP ${info.code})` : ""}`),
  );
  player.attachMediaElement(video);
  player.load();
  return {
    destroy() {
      player.pause();
      player.unload();
      player.detachMediaElement();
      player.destroy();
    },
  };
}

/** The Play/Stop button, its status line and the video element. */
export function PlayButton(props: PlayButtonProps) {
  const state = useSignal<State>("idle");
  const message = useSignal("");
  const video = useRef<HTMLVideoElement>(null);
  const player = useRef<Player | null>(null);

  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const stop = () => {
    clearTimeout(timer.current);
    player.current?.destroy();
    player.current = null;
  };
  // Leaving the page ends the stream (and the proxy's session) with it.
  useEffect(() => stop, []);

  const fail = (why: string) => {
    // The first failure says why; what follows from tearing the player down says nothing new.
    if (state.value !== "loading" && state.value !== "playing") return;
    stop();
    state.value = "failed";
    message.value = `Cannot play this channel: ${why}`;
  };

  const play = async () => {
    const el = video.current;
    if (!el) return;
    state.value = "loading";
    message.value = "Loading…";
    // A stream that answers but never yields a picture (no video, a codec the browser lacks)
    // would otherwise say "Loading…" for ever.
    timer.current = setTimeout(
      () => fail(`no picture after ${PICTURE_TIMEOUT_S} s`),
      PICTURE_TIMEOUT_S * 1000,
    );
    el.onplaying = () => {
      clearTimeout(timer.current);
      state.value = "playing";
      message.value = `Playing through the proxy, with the token of "${props.playlist}"`;
    };
    el.onerror = () => fail(el.error?.message || "the browser cannot decode it");
    try {
      if (props.kind === "hls") player.current = await startHls(el, props.url, fail);
      else if (props.kind === "mpegts") player.current = await startMpegts(el, props.url, fail);
      else {
        el.src = props.url;
        player.current = { destroy: () => el.removeAttribute("src") };
      }
      await el.play().catch(async (err: DOMException) => {
        // Autoplay with sound may be refused once the click is long past; muted it may start.
        if (err.name !== "NotAllowedError") throw err;
        el.muted = true;
        await el.play();
      });
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
    }
  };

  useEffect(() => {
    if (props.autoplay) play();
  }, []);

  const onClick = () => {
    if (state.value === "loading" || state.value === "playing") {
      stop();
      state.value = "idle";
      message.value = "Stopped";
    } else play();
  };
  const busy = state.value === "loading" || state.value === "playing";
  return (
    <div class="player">
      <div class="toolbar">
        <button type="button" onClick={onClick}>
          {busy ? "Stop" : "Play"}
        </button>
        <span
          aria-live="polite"
          data-testid="play-status"
          class={state.value === "failed" ? "field-error" : "hint"}
        >
          {message.value}
        </span>
      </div>
      <video
        ref={video}
        controls
        playsInline
        hidden={state.value === "idle"}
        aria-label="Channel preview"
        data-testid="player"
        data-state={state.value}
      />
    </div>
  );
}
