// Predicates combine with OR and variable-length relationships.
MATCH (e:Event)
WHERE (e)-[:IN]->(:Place {name: 'Đà Nẵng'}) OR (e)<-[:FOLLOWED*1..2]-()
RETURN e.name ORDER BY e.name
