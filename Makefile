# The two commands a newcomer needs; everything else is set up by them.
.PHONY: demo test dist bench-hrv bench-hrv-sweep bench-breathing bench-mqtt bench-footprint clean

demo:  ## simulated household morning (runtime-only venv; PYTHON=python3.11, ARGS="--days 1")
	@bash scripts/demo.sh $(ARGS)

test:  ## venvs, broker binary, ruff, mypy --strict, collector + integration tests
	@bash scripts/test.sh

dist:  ## sdist, wheel and the HACS zip into dist/
	@bash -c 'source scripts/lib.sh && build_dist'

bench-hrv:  ## 2/5-min real windows, random artifacts incl. runs: accuracy, bound, speed vs NeuroKit2 and hrv-analysis
	@bash scripts/bench.sh benchmarks/hrv_artifacts.py

bench-hrv-sweep:  ## one artifact or run at every position of the real windows: detection rate, misses
	@bash scripts/bench.sh benchmarks/hrv_detection_sweep.py --misses

bench-breathing:  ## breathing rate from RR against known rhythms 6-24/min: error per rate band, flags, speed
	@bash scripts/bench.sh benchmarks/breathing_rate.py

bench-mqtt:  ## p50/p95 latency from recording complete to state received, 100 readings
	@bash scripts/bench.sh benchmarks/mqtt_latency.py

bench-footprint:  ## daemon RSS and CPU idle (2 users) and while measuring, against a bare peer
	@bash scripts/bench.sh benchmarks/footprint.py

clean:
	rm -rf .venv .venv311 .venv-ha .venv-demo-* dist build .mypy_cache .ruff_cache .pytest_cache
