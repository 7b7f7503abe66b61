"""The patient's voice: flite speaks a line, sox makes it 16 kHz mono 16-bit (and, for the
"room" condition, adds a room's reverberation), and white noise is mixed in at a set SNR.

Everything is cached under ~/.cache/legcramp-voice/wav, keyed by the text, the voice, the
condition and the flite and sox versions, so a second run synthesises nothing. The noise is
seeded by the same key: the same line in the same condition is the same audio on every run.
"""
from __future__ import annotations

import array
import hashlib
import math
import random
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.voice.cache import cache_dir

RATE = 16_000
VOICE = "slt"  # flite's 16 kHz female voice (cmu_us_slt); "rms" and "awb" are the others


@dataclass(frozen=True)
class Condition:
    """How the speech reaches the microphone."""

    name: str
    snr_db: float | None = None  # white noise at this signal-to-noise ratio; None for none
    reverb: tuple[int, ...] = ()  # sox `reverb` arguments: reverberance %, HF damping %, room scale %

    def describe(self) -> str:
        if self.snr_db is None and not self.reverb:
            return "clean"
        return f"noise at {self.snr_db:g} dB SNR, sox reverb {' '.join(map(str, self.reverb))}"


CLEAN = Condition("clean")
# A small bedroom: moderate reverberance, a fair amount of high-frequency damping (soft
# furnishings), a small room; then a fan-like hiss 20 dB below the speech.
ROOM = Condition("noisy_room", snr_db=20.0, reverb=(40, 60, 30))
CONDITIONS = (CLEAN, ROOM)


def missing_tools() -> list[str]:
    """The Debian packages the voice test needs and this machine lacks."""
    return [pkg for tool, pkg in (("flite", "flite"), ("t2p", "flite"), ("sox", "sox"))
            if not shutil.which(tool)]


def _versions() -> str:
    flite = subprocess.run(["flite", "--version"], capture_output=True, text=True).stdout.strip()
    sox = subprocess.run(["sox", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{flite}|{sox}"


_VERSIONS: str | None = None


def speak(text: str, condition: Condition = CLEAN, voice: str | None = None) -> bytes:
    """16 kHz mono signed 16-bit little-endian PCM of `text` spoken in `condition`."""
    global _VERSIONS
    voice = voice or VOICE
    if _VERSIONS is None:
        _VERSIONS = _versions()
    key = hashlib.sha256("\x00".join([text, voice, repr(condition), _VERSIONS]).encode()).hexdigest()
    path = cache_dir() / "wav" / key[:2] / f"{key}.raw"
    if path.is_file():
        return path.read_bytes()
    pcm = _synthesise(text, condition, voice)
    if condition.snr_db is not None:
        pcm = add_noise(pcm, condition.snr_db, seed=key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pcm)
    tmp.replace(path)
    return pcm


def _synthesise(text: str, condition: Condition, voice: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="legcramp-voice-") as tmp:
        wav = Path(tmp) / "say.wav"
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", str(wav)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # A quarter second of silence either side, as a microphone opened by a wake word hears.
        effects = ["pad", "0.25", "0.25"]
        if condition.reverb:
            effects += ["reverb", *map(str, condition.reverb)]
        out = subprocess.run(["sox", "-q", str(wav), "-t", "raw", "-r", str(RATE), "-c", "1",
                              "-b", "16", "-e", "signed-integer", "-L", "-", *effects],
                             check=True, capture_output=True)
        return out.stdout


def add_noise(pcm: bytes, snr_db: float, seed: str) -> bytes:
    """Mix white Gaussian noise into `pcm` at `snr_db` below the speech's power.

    The speech power is measured over the samples above a floor (the speech itself, not the
    padding), as an SNR of speech against noise is usually meant."""
    samples = array.array("h", pcm)
    loud = [s for s in samples if abs(s) > 100] or list(samples) or [0]
    power = sum(s * s for s in loud) / len(loud)
    sigma = math.sqrt(power / (10 ** (snr_db / 10))) if power else 0.0
    rng = random.Random(seed)
    gauss = rng.gauss
    mixed = array.array("h", (max(-32768, min(32767, int(round(s + gauss(0.0, sigma)))))
                              for s in samples))
    return mixed.tobytes()


def measured_snr_db(clean: bytes, noisy: bytes) -> float:
    """The SNR of `noisy` against `clean` (both the same length), over the speech samples."""
    a, b = array.array("h", clean), array.array("h", noisy)
    speech = [i for i, s in enumerate(a) if abs(s) > 100]
    signal = sum(a[i] ** 2 for i in speech) / len(speech)
    noise = sum((b[i] - a[i]) ** 2 for i in range(len(a))) / len(a)
    return 10 * math.log10(signal / noise)
