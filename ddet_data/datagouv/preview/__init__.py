"""See a dataset before it is public: its data.gouv.fr page, drawn locally."""
