/** Shown in a new tab when the browser has no saved GraphiQL state. */
export const DEFAULT_QUERY = `# paydesk GraphQL API
#
# Signed in to the staff portal? Your session cookie is sent with each request.
# Partners instead add their API credentials in the Headers tab below:
#
#   { "Api-Appid": "…", "Api-Key": "…" }
#
# Headers are not saved in this browser unless you opt in under Settings.

query {
  viewer {
    account {
      name
    }
  }
}
`;
