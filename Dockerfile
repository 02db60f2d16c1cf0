# The manager and the proxy in one image; `deno task start` runs both, the compose file runs
# them apart over a shared denokv.
FROM denoland/deno:debian-2.9.6
WORKDIR /app
COPY deno.json deno.lock ./
COPY common ./common
COPY manager ./manager
COPY proxy ./proxy
COPY main.ts ./
# The same build as manager/islands/bundle.ts: the entry and its on-demand chunks (players).
RUN deno install --frozen && deno bundle --platform browser --minify --code-splitting \
      --outdir manager/static/islands manager/islands/client.tsx
ENV DATA_DIR=/data
VOLUME /data
EXPOSE 8088 8089
HEALTHCHECK CMD deno eval "const r = await fetch('http://127.0.0.1:8088/healthz'); Deno.exit(r.ok ? 0 : 1)"
CMD ["deno", "task", "start"]
