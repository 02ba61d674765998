"""What is kept between runs: platform folders, profiles, secrets (keyring), logs, atomic writes."""
