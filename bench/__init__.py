"""Benchmarks and their synthetic data: never imported by the product (essmap, intercos,
initiatives). `python -m bench.generate_synthetic --count N --seed S` fills a benchmark
database; `make bench` (bench/run.sh) runs the whole benchmark."""
