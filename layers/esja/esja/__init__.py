"""ESJA — « L'économie sociale, j'achète! »: public tenders matched to social-economy enterprises."""
