#!/usr/bin/env python3
"""Writes samples/demo.wav: 4 s, 16-bit stereo, 22050 Hz. A voice-like harmonic line (vowel formants,
syllable envelope) panned centre over a background of a wide low drone and hiss panned apart, so centre
extraction has something real to separate. Standard library only; deterministic (fixed seed)."""
import math, random, struct, wave, pathlib

rate, seconds = 22050, 4.0
random.seed(7)
out = pathlib.Path(__file__).resolve().parent.parent / "samples" / "demo.wav"
frames = bytearray()
for n in range(int(rate * seconds)):
    t = n / rate
    syllable = max(0.0, math.sin(math.pi * (t * 3.0 % 1.0))) ** 2          # ~3 syllables a second
    pitch = 140 + 25 * math.sin(2 * math.pi * 0.5 * t)                       # gliding voice pitch
    voice = sum(math.sin(2 * math.pi * pitch * k * t) / k * (1.6 if 4 <= k <= 6 else 1.0) for k in range(1, 12))
    voice *= 0.18 * syllable
    drone = 0.12 * math.sin(2 * math.pi * 55 * t)
    left_bg = drone + 0.03 * random.uniform(-1, 1) + 0.05 * math.sin(2 * math.pi * 660 * t)
    right_bg = -drone + 0.03 * random.uniform(-1, 1) + 0.05 * math.sin(2 * math.pi * 880 * t)
    for sample in (voice + left_bg, voice + right_bg):
        frames += struct.pack("<h", max(-32768, min(32767, int(sample * 32767))))
out.parent.mkdir(exist_ok=True)
with wave.open(str(out), "wb") as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate); w.writeframes(bytes(frames))
print(f"wrote {out} ({out.stat().st_size} bytes)")
