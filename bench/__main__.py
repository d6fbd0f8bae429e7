"""`make bench`: every benchmark, one table each (~65 min on 2 cores). Reads ../shared/eval;
writes only to /tmp. `make bench LLM=1` (or `python -m bench --llm`) adds the LLM reader
against the extractive one (about an hour more; needs `make model`)."""

import sys

from bench import calibrate, quality, real, scifact, speed, web

print("## Speed and memory")
speed.main()
print("\n## Answer quality (SQuAD dev v1.1, abstention)")
quality.main([])
print("\n## Answer quality on real documents, questions in a reader's own words")
real.main([])
print("\n## The found decision (fit on the tuning half, scored on held-out data)")
calibrate.main([])
print("\n## Retrieval on SciFact")
scifact.main()
print("\n## The web page (make run, Chromium, 5 users)")
web.main()
if "--llm" in sys.argv[1:]:
    from bench import llm

    print("\n## Generated answers: the LLM reader against the extractive reader")
    llm.main([])
    from bench import judge

    print("\n## Where the model's judge spends its time")
    judge.main([])
