"""``python -m s3browser``."""

from s3browser.app import main

raise SystemExit(main())
