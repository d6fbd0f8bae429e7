"""`make bench`: every benchmark, one table each. Reads ../shared/eval; writes only to /tmp."""

from bench import speed

speed.main()
