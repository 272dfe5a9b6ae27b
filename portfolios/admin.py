"""
Nothing of the portfolio is registered in the admin site, on purpose.

Goals, the log, reflections, impact answers, needs and statements are private to their owner
(docs/security-and-privacy.md, "The private portfolio"): the owner shares an item, the CPD
leader sees their school's needs audit, the coordinator sees the community's needs at
/portfolio/needs/community/. None of that text belongs in a site where every coordinator could
browse it.
"""
