"""What follows a change, written in its transaction and sent by job work after it commits.

``emails.queue_email`` is how a service asks for an email; ``delivery`` is
the job that hands committed rows to the mail server, retrying with backoff,
each row claimed by one worker at a time.
"""
