'use strict';
// f5j serve page: plain JS, no build step. Streams /v1/synth/stream (server-sent events over fetch) into Web
// Audio as chunks arrive, then gives the <audio> element the whole result as a WAV.
const $ = id => document.getElementById(id);
let recorded = null;        // a recording, as WAV bytes (Uint8Array)
let ctx = null;             // the AudioContext, made on the first press of Play
let abort = null;           // aborts the running stream
const playing = [];         // scheduled AudioBufferSourceNodes

function say(el, text, error) { el.textContent = text; el.classList.toggle('error', !!error); }

document.querySelectorAll('.tab').forEach(b => b.addEventListener('click', () => {
  document.querySelectorAll('.tab').forEach(x => x.classList.toggle('active', x === b));
  $('tab-synth').hidden = b.dataset.tab !== 'synth';
  $('tab-audit').hidden = b.dataset.tab !== 'audit';
}));

async function getJson(url) { const r = await fetch(url); return r.json(); }

async function init() {
  try {
    const info = await getJson('/v1/info');
    say($('info'), `f5j ${info.version} · model ${info.model.dir} · backend ${info.backend}`);
  } catch (e) { say($('info'), 'cannot reach the server', true); }
  const v = await getJson('/v1/voices').catch(() => ({voices: []}));
  for (const voice of v.voices) {
    const o = document.createElement('option');
    o.value = voice.name; o.textContent = voice.name; o.dataset.refText = voice.ref_text || '';
    $('voice').appendChild(o);
  }
  if (v.voices.length) { $('voice').selectedIndex = 1; voiceChanged(); }
  const c = await getJson('/v1/checkpoints').catch(() => ({checkpoints: []}));
  for (const n of c.checkpoints) {
    const o = document.createElement('option'); o.value = n; o.textContent = n; $('ckpt-name').appendChild(o);
  }
}

function voiceChanged() {
  const o = $('voice').selectedOptions[0];
  if (o && o.value) $('ref-text').value = o.dataset.refText;
}
$('voice').addEventListener('change', voiceChanged);
$('ref-file').addEventListener('change', () => { if ($('ref-file').files.length) { $('voice').value = ''; recorded = null; } });

function base64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function floats(b64) {
  const bin = atob(b64), dv = new DataView(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) dv.setUint8(i, bin.charCodeAt(i));
  const out = new Float32Array(bin.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** 16-bit mono WAV of float samples. */
function wav(samples, rate) {
  const dv = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const str = (o, s) => { for (let i = 0; i < s.length; i++) dv.setUint8(o + i, s.charCodeAt(i)); };
  str(0, 'RIFF'); dv.setUint32(4, 36 + samples.length * 2, true); str(8, 'WAVEfmt ');
  dv.setUint32(16, 16, true); dv.setUint16(20, 1, true); dv.setUint16(22, 1, true); dv.setUint32(24, rate, true);
  dv.setUint32(28, rate * 2, true); dv.setUint16(32, 2, true); dv.setUint16(34, 16, true);
  str(36, 'data'); dv.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i]));
    dv.setInt16(44 + i * 2, Math.round(v * 32767), true);
  }
  return new Uint8Array(dv.buffer);
}

/** The reference as the API takes it: {voice} or {ref_audio: WAV bytes}. */
async function reference() {
  if ($('voice').value) return {voice: $('voice').value};
  if (recorded) return {ref_audio: recorded};
  const f = $('ref-file').files[0];
  if (!f) throw new Error('choose a voice, a WAV file or record a reference');
  return {ref_audio: new Uint8Array(await f.arrayBuffer())};
}

$('record').addEventListener('click', async () => {
  if ($('record').recorder) { $('record').recorder.stop(); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({audio: true});
    const rec = new MediaRecorder(stream), parts = [];
    rec.ondataavailable = e => parts.push(e.data);
    rec.onstop = async () => {
      stream.getTracks().forEach(t => t.stop());
      $('record').recorder = null; $('record').textContent = '● Record';
      const ac = new AudioContext();
      const buf = await ac.decodeAudioData(await new Blob(parts).arrayBuffer());
      recorded = wav(buf.getChannelData(0), buf.sampleRate);
      $('voice').value = ''; $('ref-file').value = '';
      say($('rec-state'), `recorded ${buf.duration.toFixed(1)} s`);
    };
    rec.start(); $('record').recorder = rec; $('record').textContent = '■ Stop recording';
    say($('rec-state'), 'recording…');
  } catch (e) { say($('rec-state'), 'cannot record: ' + e.message, true); }
});

function options() {
  const o = {};
  for (const k of ['nfe', 'cfg', 'sway', 'speed', 'cross_fade', 'seed']) if ($(k).value !== '') o[k] = Number($(k).value);
  return o;
}

function stopPlayback() {
  if (abort) abort.abort();
  playing.splice(0).forEach(s => { try { s.stop(); } catch (e) { /* already ended */ } });
}
$('stop').addEventListener('click', stopPlayback);

$('play').addEventListener('click', async () => {
  stopPlayback();
  const status = $('status');
  let body;
  try {
    const ref = await reference();
    body = Object.assign({text: $('text').value, ref_text: $('ref-text').value}, options());
    if (ref.voice) body.voice = ref.voice; else body.ref_audio_base64 = base64(ref.ref_audio);
  } catch (e) { say(status, e.message, true); return; }
  // no audio output (or no Web Audio) still gives the <audio> element the result at the end
  try { ctx = ctx || new AudioContext(); await ctx.resume(); } catch (e) { ctx = null; }
  abort = new AbortController();
  $('play').disabled = true; $('stop').disabled = false;
  say(status, 'synthesising…');
  const t0 = performance.now(), parts = [];
  let next = 0, rate = 24000;
  try {
    const res = await fetch('/v1/synth/stream', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify(body), signal: abort.signal});
    if (!res.ok) { const e = await res.json().catch(() => ({error: res.statusText})); throw new Error(e.error); }
    say(status, `first audio after ${res.headers.get('X-F5j-Time-To-First-Audio-Ms')} ms (server)`);
    const reader = res.body.getReader(), dec = new TextDecoder();
    let buf = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += dec.decode(value, {stream: true});
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i); buf = buf.slice(i + 2);
        const ev = (block.match(/^event: (.*)$/m) || [])[1], data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1]);
        if (ev === 'audio') {
          rate = data.sample_rate;
          const f = floats(data.f32le_base64);
          parts.push(f);
          if (f.length && ctx) {
            const ab = ctx.createBuffer(1, f.length, rate);
            ab.copyToChannel(f, 0);
            const src = ctx.createBufferSource();
            src.buffer = ab; src.connect(ctx.destination);
            next = Math.max(next, ctx.currentTime + 0.05);
            src.start(next); next += ab.duration; playing.push(src);
          }
          say(status, `chunk ${data.chunk + 1}/${data.chunks} playing`);
        } else if (ev === 'done') {
          const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
          let off = 0; for (const p of parts) { all.set(p, off); off += p.length; }
          $('player').src = URL.createObjectURL(new Blob([wav(all, rate)], {type: 'audio/wav'}));
          $('mel').src = 'data:image/png;base64,' + data.mel_png_base64; $('mel').hidden = false;
          say(status, `${data.seconds.toFixed(2)} s of audio, ${data.chunks} chunk(s), seed ${data.seed}; first audio after `
            + `${data.time_to_first_audio_ms} ms, all after ${data.total_ms} ms (page: ${Math.round(performance.now() - t0)} ms)`);
        } else if (ev === 'error') {
          throw new Error(data.error);
        }
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') say(status, e.message, true); else say(status, 'stopped');
  } finally {
    $('play').disabled = false; $('stop').disabled = true;
  }
});

$('run-audit').addEventListener('click', async () => {
  const status = $('audit-status'), form = new FormData();
  try {
    const ref = await reference();
    if (ref.voice) form.append('voice', ref.voice);
    else form.append('ref_audio', new Blob([ref.ref_audio], {type: 'audio/wav'}), 'ref.wav');
  } catch (e) { say(status, e.message, true); return; }
  if ($('ref-text').value) form.append('ref_text', $('ref-text').value);
  if ($('ckpt-file').files[0]) form.append('checkpoint', $('ckpt-file').files[0], $('ckpt-file').files[0].name);
  else if ($('ckpt-name').value) form.append('checkpoint_name', $('ckpt-name').value);
  if ($('preset').value) form.append('preset', $('preset').value);
  form.append('nfe', $('audit-nfe').value);
  form.append('precision', $('precision').value);
  say(status, 'auditing… (this runs both paths and can take a while)');
  $('run-audit').disabled = true;
  try {
    const res = await fetch('/v1/audit', {method: 'POST', body: form});
    const j = await res.json();
    if (!res.ok) throw new Error(j.error);
    const fd = j.first_divergence;
    say(status, 'done' + (fd ? ` — first divergence: ${fd.stage} / ${fd.layer}` : ''));
    $('report').src = res.headers.get('X-F5j-Report-Url'); $('report').hidden = false;
  } catch (e) { say(status, e.message, true); } finally { $('run-audit').disabled = false; }
});

init();
