"""`make bench`: every benchmark, one table each. Reads ../shared/eval; writes only to /tmp."""

from bench import quality, speed

print("## Speed and memory")
speed.main()
print("\n## Answer quality (SQuAD dev v1.1, abstention)")
quality.main([])
