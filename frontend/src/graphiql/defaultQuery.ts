/** Shown in a new tab when the browser has no saved GraphiQL state. */
export const DEFAULT_QUERY = `# paydesk GraphQL API
#
# Staff: your portal session cookie is sent
# with every request; nothing else to set.
#
# Partners: add your credentials in the
# Headers tab below, e.g.
#   {"Api-Appid": "…", "Api-Key": "…"}
# Headers stay out of browser storage unless
# you opt in under Settings.

query {
  viewer {
    account {
      name
    }
  }
}
`;
