"""The platform console: pages built for the platform team (overview of councils, sign-up
requests, council detail and history), at /console/ on the platform domain. The stock Django
admin stays underneath for the raw tables (users, groups, tokens), listed under "Platform data".
"""
