"""Reads a run's TensorBoard folder with the `tensorboard` package, as
`tensorboard --logdir` would, and prints its scalars as one JSON object:
{tag: [[step, value], ...]} in step order.

Usage: read_tensorboard.py RUN/tensorboard
"""
import json
import sys

from tensorboard.backend.event_processing import event_accumulator


def main():
    accumulator = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
    accumulator.Reload()
    scalars = {tag: [[e.step, e.value] for e in accumulator.Scalars(tag)]
               for tag in accumulator.Tags()[event_accumulator.SCALARS]}
    print(json.dumps(scalars))


if __name__ == "__main__":
    main()
