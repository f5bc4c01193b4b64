"""Assessment: what each track probably is, where it is and where it goes."""
