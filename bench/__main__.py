"""`make bench`: every benchmark, one table each (~65 min on 2 cores). Reads ../shared/eval;
writes only to /tmp."""

from bench import calibrate, quality, scifact, speed, web

print("## Speed and memory")
speed.main()
print("\n## Answer quality (SQuAD dev v1.1, abstention)")
quality.main([])
print("\n## The found decision (fit on the tuning half, scored on held-out data)")
calibrate.main([])
print("\n## Retrieval on SciFact")
scifact.main()
print("\n## The web page (make run, Chromium, 5 users)")
web.main()
