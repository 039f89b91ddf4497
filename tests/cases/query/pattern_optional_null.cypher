// A pattern expression on a node that OPTIONAL MATCH left null has no
// match: false and an empty list (not null). Grouping by p keeps the
// aggregate and the comprehension apart.
MATCH (p:Person)
OPTIONAL MATCH (p)-[:MEMBER_OF]->(i:Institution)
RETURN p.name, (i)<-[:MEMBER_OF]-() AS has_members, [(i)<-[:MEMBER_OF]-(m) | m.name] AS members, count(*) AS rows
ORDER BY p.name
