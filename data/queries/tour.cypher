// A short tour of the graph built from data/articles.
// Run with: kg run --echo data/queries/tour.cypher

// Who holds which post, and at which institution?
MATCH (p:Person)-[h:HOLDS]->(r:Role)
OPTIONAL MATCH (r)-[:OF]->(i:Institution)
RETURN p.name AS person, r.title AS role, i.name AS institution, h.as_of AS as_of
ORDER BY person, role;

// Names are matched without case or diacritics.
MATCH (p:Person) WHERE fold(p.name) CONTAINS 'tan' RETURN p.name AS person, p.rank AS rank;

// Events by type, with their dates and places.
MATCH (e:Event)
OPTIONAL MATCH (e)-[:TOOK_PLACE_IN]->(pl:Place)
RETURN e.type AS type, e.date AS date, pl.name AS place
ORDER BY date, type;

// Who took part in meetings, with the sentence that says so.
MATCH (p:Person)-[:PARTICIPATED_IN]->(e:Event {type: 'meeting'})
RETURN p.name AS person, e.date AS date, e.evidence AS evidence
ORDER BY date, person
LIMIT 5;

// Institutions mentioned in most articles.
MATCH (i:Institution)-[:MENTIONED_IN]->(a:Article)
RETURN i.name AS institution, count(a) AS articles
ORDER BY articles DESC, institution
LIMIT 5;
