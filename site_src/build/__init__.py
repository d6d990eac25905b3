"""Running a build: inputs gathered, pages made in workers, files written once, results remembered."""
