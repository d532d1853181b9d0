"""`python -m tutor.bench ...`: the same as `dltutor bench ...`."""

from tutor.bench import main

raise SystemExit(main())
