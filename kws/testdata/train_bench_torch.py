#!/usr/bin/env python3
"""Training throughput of TC-ResNet8 in PyTorch on random features, the
counterpart of kws.BenchmarkTrainStep: forward, cross-entropy, backward and
an AdamW step per batch, with the network of
/work/shared/reference/fsdd_torch_reference.py.

Usage: train_bench_torch.py [BATCH] [THREADS] [SECONDS]
Prints one line: torch batch=B threads=T samples/s=S samples/cpu-s=C,
where C counts processor time (user and system, all threads) instead of
the wall clock.
Run with Debian's /usr/bin/python3 (python3-torch).
"""
import sys, time
import torch, torch.nn as nn

bs = int(sys.argv[1]) if len(sys.argv) > 1 else 128
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 5
torch.set_num_threads(threads)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.main = nn.Sequential(
            nn.Conv1d(cin, cout, 9, stride, 4, bias=False), nn.BatchNorm1d(cout), nn.ReLU(),
            nn.Conv1d(cout, cout, 9, 1, 4, bias=False), nn.BatchNorm1d(cout))
        self.skip = nn.Sequential(
            nn.Conv1d(cin, cout, 1, stride, 0, bias=False), nn.BatchNorm1d(cout), nn.ReLU())

    def forward(self, x):
        return torch.relu(self.main(x) + self.skip(x))


model = nn.Sequential(
    nn.Conv1d(40, 16, 3, 1, 1, bias=False), Block(16, 24, 2), Block(24, 32, 2), Block(32, 48, 2),
    nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Dropout(0.1), nn.Linear(48, 10, bias=False))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
lossf = nn.CrossEntropyLoss()
x = torch.randn(bs, 40, 101)
y = torch.randint(0, 10, (bs,))
model.train()


def step():
    opt.zero_grad()
    lossf(model(x), y).backward()
    opt.step()


for _ in range(5):
    step()
n, t0, c0 = 0, time.time(), time.process_time()
while time.time() - t0 < seconds:
    step()
    n += 1
wall, cpu = time.time() - t0, time.process_time() - c0
print(f"torch batch={bs} threads={threads} samples/s={n * bs / wall:.0f} "
      f"samples/cpu-s={n * bs / cpu:.0f}")
