#!/usr/bin/python3
"""Write the golden MFCCs that kws/mfcc_test.go checks nascent against.

The reference is torchaudio.transforms.MFCC configured as in
shared/reference/fsdd_torch_reference.py (40 coefficients, 40 mel bands,
log mels, n_fft = win_length = 30 ms, hop 10 ms), applied to 1 s clips
cropped or zero-padded at the end.

Clips: three real FSDD recordings (8 kHz; one longer than 1 s, so it is
cropped) read from DATA_DIR/recordings, and two synthetic clips at other
rates (16 kHz and 22.05 kHz, the latter with an odd window length) that
this script writes into testdata itself, since FSDD has only 8 kHz.

Usage, from the repository root (needs Debian's python3-torch and
python3-torchaudio; CI does not run this, it only reads the output):

    /usr/bin/python3 kws/testdata/mfcc_golden.py ../shared/data/fsdd

Output: kws/testdata/mfcc/<name>.txt, one per clip: a header line
"# clip <path> rate <hz>" (path relative to DATA_DIR for FSDD clips,
to kws/testdata for the synthetic ones), then 40 lines (coefficients) of
101 values (frames), printed with 3 decimals.
"""
import math
import os
import sys
import wave

import torch
import torchaudio

HERE = os.path.dirname(os.path.abspath(__file__))
FSDD_CLIPS = ["0_george_0.wav", "5_nicolas_27.wav", "9_theo_16.wav"]


def mfcc(rate, samples):
    win, hop = 3 * rate // 100, rate // 100
    t = torchaudio.transforms.MFCC(
        sample_rate=rate, n_mfcc=40, log_mels=True,
        melkwargs=dict(n_fft=win, win_length=win, hop_length=hop, n_mels=40))
    x = samples[:rate]
    x = torch.nn.functional.pad(x, (0, rate - x.shape[0]))
    return t(x)


def synthetic(path, rate, seconds, seed):
    """A 16-bit mono chirp with a little noise, deterministic by seed."""
    g = torch.Generator().manual_seed(seed)
    n = int(rate * seconds)
    t = torch.arange(n, dtype=torch.float64) / rate
    f0, f1 = 200.0, 0.4 * rate
    phase = 2 * math.pi * (f0 * t + (f1 - f0) / (2 * seconds) * t * t)
    x = 0.5 * torch.sin(phase) + 0.05 * torch.randn(n, generator=g, dtype=torch.float64)
    pcm = (x.clamp(-1, 1) * 32767).round().to(torch.int16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.numpy().tobytes())


def write(name, clip, rate, feats):
    os.makedirs(os.path.join(HERE, "mfcc"), exist_ok=True)
    with open(os.path.join(HERE, "mfcc", name + ".txt"), "w") as f:
        f.write(f"# clip {clip} rate {rate}\n")
        for row in feats.tolist():
            f.write(" ".join(f"{v:.3f}" for v in row) + "\n")


def main():
    data = sys.argv[1]
    for name in FSDD_CLIPS:
        clip = os.path.join("recordings", name)
        w, rate = torchaudio.load(os.path.join(data, clip))
        feats = mfcc(rate, w[0])
        assert tuple(feats.shape) == (40, 101), feats.shape
        write(name[:-4], clip, rate, feats)
    for rate, seconds, seed in [(16000, 0.5, 1), (22050, 0.4, 2)]:
        clip = f"chirp_{rate}.wav"
        synthetic(os.path.join(HERE, clip), rate, seconds, seed)
        w, r = torchaudio.load(os.path.join(HERE, clip))
        assert r == rate
        feats = mfcc(rate, w[0])
        assert tuple(feats.shape) == (40, 101), feats.shape
        write(clip[:-4], clip, rate, feats)


if __name__ == "__main__":
    main()
