"""The council's Open Referral UK directory: organisations, services, locations, taxonomies."""
