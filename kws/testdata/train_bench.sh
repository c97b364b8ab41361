#!/bin/sh
# Training throughput of TC-ResNet8, nascent and PyTorch side by side,
# back to back, ROUNDS times (default 3), at batch 128 with THREADS
# threads (default 2). Run from the kws folder:
# sh testdata/train_bench.sh [ROUNDS] [THREADS]
set -e
rounds=${1:-3}
threads=${2:-2}
bin=${TMPDIR:-/tmp}/kws_train_bench.$$.test
go test -c -o "$bin" . >/dev/null
trap 'rm -f "$bin"' EXIT
i=0
while [ "$i" -lt "$rounds" ]; do
	"$bin" -test.run '^$' \
		-test.bench "TrainStep/batch=128/threads=$threads\$" \
		-test.benchtime 5s | grep samples/s
	/usr/bin/python3 testdata/train_bench_torch.py 128 "$threads" 5
	i=$((i + 1))
done
