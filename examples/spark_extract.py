#!/usr/bin/env python3
"""Extract an archive of articles with Apache Spark, then build a kg graph.

Spark reads the articles (JSON Lines: one object a line with `text` and
optionally `id`, `date`, `title`, `url`, `source`, as `kg ingest` reads
.jsonl files), pipes each partition through `kg extract --format json -`
(each article's record comes back as soon as it is made), writes the records
as text files, and `kg ingest --records` merges them into one graph, the
resolver joining the entities that records of different partitions share.
The graph is the one `kg ingest` of the same articles gives.

    pip install pyspark        # and Java 17: apt-get install openjdk-17-jre-headless
    python3 examples/spark_extract.py articles.jsonl records/ --graph news.graph

Runs in Spark's local mode (`--master local[2]`) unless told otherwise; on a
cluster, `kg` must be on every worker's PATH (or give `--kg` an absolute
path that exists there) and RECORDS a path every node can write, and the
last step runs where the records can be read.
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("articles", help="JSON Lines file (or folder, or glob) of articles")
    parser.add_argument("records", help="folder to write the records to (must not exist)")
    parser.add_argument("--graph", default="kg.graph", help="the graph to ingest into")
    parser.add_argument("--kg", default="kg", help="the kg binary (default: kg on PATH)")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--partitions", type=int, default=2, help="at least this many partitions")
    return parser.parse_args()


def main():
    args = parse_args()
    kg = shutil.which(args.kg) or args.kg
    if os.path.exists(args.records):
        sys.exit(f"{args.records}: already exists; give a new folder for the records")
    # The pipe runs in Python workers: the same Python as this script.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(args.master)
        .appName("kg extract")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    try:
        articles = spark.sparkContext.textFile(args.articles, minPartitions=args.partitions)
        # checkCode: a kg that fails (not one that skips a bad line with a
        # warning) fails the job
        records = articles.pipe(f"{shlex.quote(kg)} extract --format json -", checkCode=True)
        records.saveAsTextFile(args.records)
        partitions = records.getNumPartitions()
    finally:
        spark.stop()
    print(f"spark: {partitions} partitions extracted into {args.records}", file=sys.stderr)
    # The folder's part files; kg passes over _SUCCESS and the .crc files.
    done = subprocess.run([kg, "--graph", args.graph, "ingest", "--records", args.records])
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
