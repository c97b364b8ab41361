#!/bin/sh
# Training throughput of TC-ResNet8, nascent and PyTorch side by side,
# back to back, ROUNDS times (default 3), at batch 128 with 2 threads.
# Run from the kws folder: sh testdata/train_bench.sh [ROUNDS]
set -e
rounds=${1:-3}
go test -c -o /tmp/kws_train_bench.test . >/dev/null
i=0
while [ "$i" -lt "$rounds" ]; do
	/tmp/kws_train_bench.test -test.run '^$' \
		-test.bench 'TrainStep/batch=128/threads=2$' -test.benchtime 5s |
		grep samples/s
	/usr/bin/python3 testdata/train_bench_torch.py 128 2 5
	i=$((i + 1))
done
