// A short tour of the graph built from data/articles.
// Run with: kg run --echo data/queries/tour.cypher

// Who holds which post, and at which institution?
MATCH (p:Person)-[h:HOLDS]->(r:Role)
OPTIONAL MATCH (r)-[:OF]->(i:Institution)
RETURN p.name AS person, r.title AS role, i.name AS institution, h.as_of AS as_of
ORDER BY person, role
LIMIT 8;

// Names are matched without case or diacritics; ranks are properties, not roles.
MATCH (p:Person) WHERE fold(p.name) CONTAINS 'tan'
RETURN p.name AS person, p.rank AS rank;

// Who met whom, when and where.
MATCH (a:Person)-[:PARTICIPATED_IN]->(e:Event {type: 'meeting'})<-[:PARTICIPATED_IN]-(b:Person)
WHERE a.name < b.name
OPTIONAL MATCH (e)-[:TOOK_PLACE_IN]->(pl:Place)
RETURN a.name AS person, b.name AS met, e.date AS date, pl.name AS place
ORDER BY date, person, met;

// The evidence: the sentence each fact was read from.
MATCH (p:Person {name: 'Ricardo Montero Agüiende'})-[h:HOLDS]->(r:Role)
RETURN r.title AS role, h.article AS article, h.evidence AS evidence;

// Events per type.
MATCH (e:Event)
RETURN e.type AS type, count(*) AS events, min(e.date) AS first, max(e.date) AS last
ORDER BY events DESC, type;
