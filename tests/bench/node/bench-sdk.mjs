// The SDK contender of tests/bench: the official @google/genai live client
// (pinned in package.json), N sessions in this one node process, doing the
// same streaming as bench-geminilive, as an application would: 16 kHz
// S16LE mono, a 440 Hz tone gated on/off, each --chunk-ms chunk
// base64-encoded by the application and sent in real time with
// sendRealtimeInput({audio}), answers decoded from base64 and counted. The
// setup asks for session resumption, as the element does by default, so
// both clients get the same messages from the server.
//
// --mode baseline does the same timers and slicing without the SDK (no
// connection, no base64), so the SDK can be charged only for itself.
//
// Prints READY, WINDOW-START and WINDOW-END lines, then one JSON line, like
// bench-geminilive, with the start-up CPU (from before the first connect()
// until every session is set up) and how many connections negotiated
// permessage-deflate. --window-at T starts the window at CLOCK_MONOTONIC
// time T (seconds) instead of --warmup after set-up.
import { GoogleGenAI, Modality } from '@google/genai';
import { readFileSync } from 'node:fs';

const opt = {
  sessions: 1, seconds: 10, warmup: 2, uri: null, mode: 'sdk',
  chunkMs: 40, onMs: 2000, offMs: 2000, volume: 0.5,
  model: 'gemini-3.1-flash-live-preview', setupTimeout: 120, rampMs: 0,
  windowAt: 0,
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = process.argv[i + 1];
  const num = () => { i++; return Number(v); };
  switch (a) {
    case '--sessions': case '-n': opt.sessions = num(); break;
    case '--seconds': case '-t': opt.seconds = num(); break;
    case '--warmup': opt.warmup = num(); break;
    case '--uri': opt.uri = v; i++; break;
    case '--mode': opt.mode = v; i++; break;
    case '--chunk-ms': opt.chunkMs = num(); break;
    case '--on-ms': opt.onMs = num(); break;
    case '--off-ms': opt.offMs = num(); break;
    case '--setup-timeout': opt.setupTimeout = num(); break;
    case '--ramp-ms': opt.rampMs = num(); break;
    case '--window-at': opt.windowAt = num(); break;
    default:
      console.error(`unknown option ${a}`);
      process.exit(2);
  }
}
if (opt.mode !== 'sdk' && opt.mode !== 'baseline') {
  console.error(`unknown mode ${opt.mode}`);
  process.exit(2);
}
if (opt.mode === 'sdk' && !opt.uri) {
  console.error('--uri ws://127.0.0.1:PORT is required');
  process.exit(2);
}

const RATE = 16000;
const cycleSamples = (opt.onMs + opt.offMs) * RATE / 1000;
const onSamples = opt.onMs * RATE / 1000;
const chunkSamples = opt.chunkMs * RATE / 1000;
// One gating cycle of "microphone" audio, sliced like capture buffers.
const cycle = Buffer.alloc(cycleSamples * 2);
for (let i = 0; i < onSamples; i++) {
  const s = Math.round(32767 * opt.volume * Math.sin(2 * Math.PI * 440 * i / RATE));
  cycle.writeInt16LE(s, i * 2);
}

const nowNs = () => process.hrtime.bigint();
const rssKb = (field) => {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`));
  return m ? Number(m[1]) : -1;
};

const sessions = [];
let recording = false;
let errors = 0;
const tLaunch = nowNs();

function makeSession(idx) {
  return {
    idx, live: null, chunk: 0, t0: 0n, timer: null,
    inBytes: 0, outBytes: 0, outAtStart: 0, turns: 0, turnsAtStart: 0,
    interrupted: 0, maxLateNs: 0n, closed: false,
  };
}

function tick(s) {
  const due = s.t0 + BigInt(s.chunk + 1) * BigInt(opt.chunkMs) * 1000000n;
  const now = nowNs();
  if (recording && now - due > s.maxLateNs)
    s.maxLateNs = now - due;
  const off = (s.chunk * chunkSamples) % cycleSamples;
  const pcm = cycle.subarray(off * 2, (off + chunkSamples) * 2);
  s.inBytes += pcm.length;
  if (s.live) {
    s.live.sendRealtimeInput({
      audio: { data: pcm.toString('base64'), mimeType: 'audio/pcm;rate=16000' },
    });
  }
  s.chunk++;
  // Like a capture device: chunk k is complete at t0 + (k + 1) * chunk.
  const next = s.t0 + BigInt(s.chunk + 1) * BigInt(opt.chunkMs) * 1000000n;
  s.timer = setTimeout(tick, Math.max(0, Number(next - nowNs()) / 1e6), s);
}

function onMessage(s, m) {
  const sc = m.serverContent;
  if (!sc)
    return;
  for (const p of sc.modelTurn?.parts ?? []) {
    if (p.inlineData?.data)
      s.outBytes += Buffer.from(p.inlineData.data, 'base64').length;
  }
  if (sc.turnComplete)
    s.turns++;
  if (sc.interrupted)
    s.interrupted++;
}

async function connect(ai, s) {
  s.live = await ai.live.connect({
    model: opt.model,
    config: { responseModalities: [Modality.AUDIO], sessionResumption: {} },
    callbacks: {
      onmessage: (m) => onMessage(s, m),
      onerror: (e) => { errors++; console.error(`session ${s.idx}: error ${e?.message}`); },
      onclose: (e) => {
        if (!s.closed) {
          errors++;
          console.error(`session ${s.idx}: closed ${e?.code} ${e?.reason}`);
        }
      },
    },
  });
}

function cpuS() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main() {
  const cpuBuild = cpuS();
  let ai = null;
  if (opt.mode === 'sdk') {
    const base = opt.uri.replace(/^ws:/, 'http:').replace(/^wss:/, 'https:');
    ai = new GoogleGenAI({ apiKey: 'bench', httpOptions: { baseUrl: base } });
  }
  for (let i = 0; i < opt.sessions; i++)
    sessions.push(makeSession(i));
  const setupTimer = setTimeout(() => {
    console.error(`sessions not set up after ${opt.setupTimeout} s`);
    process.exit(1);
  }, opt.setupTimeout * 1000);
  // Each session connects (connect() resolves after setupComplete) and
  // then starts its microphone, as an application would.
  // With --ramp-ms, session i starts i * rampMs after the first.
  await Promise.all(sessions.map(async (s, i) => {
    if (opt.rampMs > 0)
      await new Promise((r) => setTimeout(r, i * opt.rampMs));
    if (ai)
      await connect(ai, s);
    s.t0 = nowNs();
    s.timer = setTimeout(tick, opt.chunkMs, s);
  }));
  clearTimeout(setupTimer);
  const cpuReady = cpuS();
  const tReady = nowNs();
  console.log(`READY ${Number(tReady) / 1e9} sessions=${opt.sessions}`);
  const wait = opt.windowAt > 0 ? opt.windowAt * 1000 - Number(tReady) / 1e6 : opt.warmup * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, wait)));

  for (const s of sessions) {
    s.outAtStart = s.outBytes;
    s.turnsAtStart = s.turns;
  }
  const tStart = nowNs();
  const cpuStart = cpuS();
  recording = true;
  console.log(`WINDOW-START ${Number(tStart) / 1e9}`);
  await new Promise((r) => setTimeout(r, opt.seconds * 1000));
  const tEnd = nowNs();
  const cpuEnd = cpuS();
  recording = false;
  console.log(`WINDOW-END ${Number(tEnd) / 1e9}`);
  const rss = rssKb('VmRSS');
  const hwm = rssKb('VmHWM');

  let outBytes = 0, minOut = Infinity, turns = 0, minTurns = Infinity;
  let inBytes = 0, interrupted = 0, maxLate = 0n;
  for (const s of sessions) {
    clearTimeout(s.timer);
    const ob = s.outBytes - s.outAtStart;
    const t = s.turns - s.turnsAtStart;
    outBytes += ob; minOut = Math.min(minOut, ob);
    turns += t; minTurns = Math.min(minTurns, t);
    inBytes += s.inBytes; interrupted += s.interrupted;
    if (s.maxLateNs > maxLate)
      maxLate = s.maxLateNs;
  }
  console.log(JSON.stringify({
    contender: opt.mode === 'sdk' ? 'sdk' : 'sdk-baseline',
    sessions: opt.sessions,
    window_s: Number(tEnd - tStart) / 1e9,
    cpu_s: cpuEnd - cpuStart,
    cpu_total_s: cpuEnd,
    rss_kb: rss,
    hwm_kb: hwm,
    setup_s: Number(tReady - tLaunch) / 1e9,
    max_input_late_ms: Number(maxLate) / 1e6,
    input_bytes_total: inBytes,
    output_bytes: outBytes,
    min_session_output_bytes: minOut,
    turns,
    min_session_turns: minTurns,
    interrupted,
    errors,
    startup_cpu_s: cpuReady - cpuBuild,
    ready_cpu_total_s: cpuReady,
    deflate_sessions: sessions.filter((s) => /permessage-deflate/.test(s.live?.conn?.ws?.extensions ?? '')).length,
    layout: 'one process',
    window_late_s: opt.windowAt > 0 ? Number(tStart) / 1e9 - opt.windowAt : 0,
    node: process.version,
  }));
  for (const s of sessions) {
    s.closed = true;
    s.live?.close();
  }
  setTimeout(() => process.exit(errors ? 1 : 0), 200);
}

process.on('SIGTERM', () => process.exit(1));
main().catch((e) => { console.error(e); process.exit(1); });
