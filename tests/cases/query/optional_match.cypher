MATCH (p:Person) OPTIONAL MATCH (p)-[:MEMBER_OF]->(i) RETURN p.name AS person, i.name AS institution ORDER BY person
