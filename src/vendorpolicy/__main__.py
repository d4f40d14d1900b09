"""``python -m vendorpolicy``: the command line."""

from vendorpolicy._cli import main

raise SystemExit(main())
