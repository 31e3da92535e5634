"""Shared kernel of the Zukunftsregionen services: public event contracts and plumbing."""
