"""
Names vulture reports as unused that are not dead: read by templates, by the database, or called
by Django and the libraries by name. (Names Django calls in every app, such as Meta options,
admin options and management commands, are ignored by pattern in pyproject's [tool.vulture].)
Never executed: vulture reads it with the apps (`vulture`, configured in pyproject.toml).
"""

from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# Model fields: columns the database keeps and the admin, exports, search triggers and the
# ORM read by their names (``values()``, ``filter(field=…)``, ``update_fields``).
_.local_authority, _.date_joined, _.deactivated_at, _.suggest_me, _.meeting_pattern
_.accepted_user, _.confirms, _.started_at, _.last_path, _.last_at
_.materials, _.feedback_requested_at, _.cover_notes, _.set_by, _.marked_by, _.marked_at
_.comment, _.anonymous, _.share_comment
_.is_hidden, _.search_document, _.search_vector, _.helped_count, _.user_is_active
_.in_vocabulary, _.helped_at, _.thank_you, _.offerer_school, _.offerer_phases
_.last_error, _.claimed_at, _.sent_at
_.uploaded_at, _.asked_at
_.school_urn  # a column of the staff export (django-import-export)

# Choices: stored values and the options people pick from.
_.NURSERY, _.MIDDLE_PRIMARY, _.MIDDLE_SECONDARY, _.SIXTEEN_PLUS, _.ALL_THROUGH
_.VOLUNTARY_CONTROLLED, _.FREE_SCHOOL, _.PUPIL_REFERRAL_UNIT
_.ACADEMY_ALTERNATIVE_PROVISION, _.SIXTH_FORM_CENTRE
_.OPENING, _.COACHING, _.ACHIEVED, _.DROPPED, _.REACTION, _.LEARNING, _.USE, _.LOW

# Form and filter fields declared on the class (Django collects them), and what forms set on
# their fields.
_.first_date, _.start_time, _.end_time, _.weeks_apart, _.understood
_.date_from, _.date_to, _.suits_me
_.required, _.disabled, _._choices
_.with_area, _.with_subject, _.with_phase  # django-filter's method="with_…"

# Read by templates: the data a page shows.
_.follow_ups_enough  # the evaluation shared back (cpd_sessions/_evaluation.html)
_.period, _.taking_part, _.by_subject, _.release_max, _.release_top, _.profile_url, _.sent_replies
_.schools_without_leader, _.schools_without_domain, _.networks_without_lead
_.hubs_without_leader, _.has_schools, _.has_hubs, _.has_networks, _.names_shown
_.apologised, _.apologised_ids, _.spent_unbudgeted, _.people_unbudgeted
_.recording_shareable, _.average, _.planned_this_year, _.without_budget, _.feedback_due
_.days_left, _.suggested_networks, _.school_leaders, _.lone_ranger_invitations
_.recent_entries, _.entry_count, _.shared_count, _.staff_needs
_.digest_url

# Called by Django or a library by name.
_.USERNAME_FIELD, _.EMAIL_FIELD, _.REQUIRED_FIELDS, _.use_in_migrations  # the user model
_.create_superuser, _.get_short_name, _.get_user  # the user model and the auth backend
_.AccountAdapter, _.MFAAdapter, _.SocialAccountAdapter  # allauth, named in settings
_.get_from_email, _.format_email_subject, _.get_totp_issuer, _.is_open_for_signup
_.signup  # allauth's sign-up form hook
_.AdminMFAMiddleware, _.RequestBodyLimitMiddleware  # named in settings.MIDDLEWARE
_.permission_denied, _.page_not_found, _.server_error  # handler403/404/500 in cpdhub/urls.py
_.user_change_password, _.form_url, _.id  # UserAdmin's view, refused (its signature)
_.function, _.output_field, _.arity, _.as_sqlite  # database functions (Func)
_.lookup_name, _.prepare_rhs, _.get_db_prep_lookup  # a lookup (Lookup)
_.memo  # __deepcopy__(self, memo)
_.input_type, _.prepare_value, _.label_from_instance, _.field_class  # form widgets and fields
_.skip_unchanged, _.report_skipped, _.instance_loader_class, _.use_bulk, _.batch_size
_.skip_html_diff, _.validate_instance, _.validate_unique  # django-import-export's resource
_.writerows  # csvsafe's writer keeps csv.writer's interface
_.shorten_over_long  # called by the migrations that added the text limits
_.parameter_name, _.lookups  # an admin list filter (SimpleListFilter)
_.validate_year_label  # named by a migration's field validators
_.is_demo  # read by value ("is_demo") in hubs/domains.py
_.address_was_mailed  # the erasure's answer to "was this address mailed?" (privacy docs)

# The coaching pages' templates read these.
_.most, _.coaches_shown, _.pairs_shown, _.days_since_meeting, _.set_steps, _.current_step
_.requests_to_answer, _.requests_made, _.my_role_label, _.has_earlier
# Coaching model fields and choices the database, the admin's counts and the retention job keep.
_.ended_at, _.request_message, _.content_removed_at, _.observer, _.DROP_IN
_.for_school  # a form field, read from cleaned_data by name
# Coaching visits: the page's template reads these; the visit's purpose choices and its planner
# are kept by the database (the planner also asked by the permission and the export).
_.may_cancel, _.booking_label, _.OBSERVATION, _.MEETING, _.planned_by
# The enquiry pages' templates read these; the rest are kept for the counts and the export.
_.finished_groups, _.get_file_url, _.waiting_for, _.joined_at, _.published_at, _.agreed_at
# Peer visits: the visitor's school and the thank-you's date are kept for the counts and export.
_.visitor_school, _.thanked_at
# Courses: the provider's site and the kinds of outside network are shown by the templates and
# the admin; a request's requester is kept by the database (the export and permission ask it).
_.website, _.requester, _.ENGLISH_HUB, _.SCIENCE_HUB, _.SUBJECT_ASSOCIATION
# The directory's blocks from other apps (experts/extras.py): the template reads these.
_.more_url, _.more_label

# Read by Django by name: the cache backend's client class, the FORM_RENDERER setting's class;
# the navigation's cache key (a script prefix changes the addresses reverse() gives).
_._class, _.FormRenderer, _.script_prefix
# Quality reviews: the pages' templates read these; the model fields are kept for the pages,
# the export, the erasure and the admin (a framework's source, who opened or accepted what).
_.source_url, _.is_default, _.NONE, _.OUTCOMES, _.EVIDENCE, _.COLLABORATION, _.SUSTAINED
_.started_by, _.opened_by, _.opened_on, _.answered_on, _.accepted_by, _.carried_from
_.survey_answers, _.actions_by_part, _.shared_actions, _.level_rows
# Required training: the pages' templates read these.
_.lasts, _.badge

# The school's year: the leader's three streams and the plan's publisher, read by templates and
# the admin; a team kind people pick.
_.twilight_hours_used, _.twilight_hours_planned, _.meetings_held, _.meetings_with_focus
_.meetings_planned, _.with_coaching, _.published_by, _.YEAR_GROUP
_.with_follow_up
# The three streams' coaching windows and a meeting's draft mark (templates); when an item was
# taken off (RemovedItem, kept for its email).
_.coaching_windows, _.is_draft, _.removed_at
# A course's days (a formset's messages, read by Django); the coordinator's invite link on
# /coordinator/quality/ (read by the template).
_.default_error_messages, _.may_invite
# A directory card's offers handed over as prefetch_related leaves them (read by Django's
# related manager).
_._prefetch_done, _._prefetched_objects_cache
# Where today falls in its term (hubs/term_dates.py TermPosition): read by the dashboard's template.
_.week
