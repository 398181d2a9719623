from symqd.cli import main

raise SystemExit(main())
