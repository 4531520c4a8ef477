#!/usr/bin/env python3
"""The seed tutorial's Flask app (its three routes as written there), the reference peer of Start-HttpServer.

Usage: flask_app.py PORT   (binds 127.0.0.1 only; the tutorial's host='0.0.0.0' and debug=True are not used: the
tests must not listen on other interfaces, and the debugger's reloader would fork a second process).
Needs Debian's python3-flask (tests/peers/install.sh), run with /usr/bin/python3.

Below the tutorial's routes, a few probes that the same comparisons need and the tutorial's routes cannot show:
what a handler sees of repeated query keys and of JSON null / [] bodies, Flask's trailing-slash rule, a PUT
route beside a GET one, and the URL converters (int, float, string, uuid, path). tests/PSNetTools.Tests/Http/FlaskParityTests.cs starts Start-HttpServer with the same
routes written in PowerShell.
"""
import sys

from flask import Flask, request, jsonify

app = Flask(__name__)


# --- the tutorial's app, as written there -------------------------------------------------------------------
@app.route('/')
def home():
    return "Hello, World!"


@app.route('/api/data')
def get_data():
    # 获取查询参数
    param = request.args.get('param', 'default')
    return jsonify({
        'status': 'success',
        'param': param,
        'data': [1, 2, 3, 4, 5]
    })


@app.route('/api/user', methods=['POST'])
def create_user():
    # 获取JSON数据
    data = request.json
    print(f"收到用户数据: {data}")

    # 模拟处理
    return jsonify({
        'status': 'success',
        'message': f"已创建用户: {data.get('name')}",
        'user_id': 123
    })


# --- probes -------------------------------------------------------------------------------------------------
@app.route('/probe/args')
def probe_args():
    # The first value and every value of a repeated key; keys as sent (Flask's args are case-sensitive).
    return jsonify({'first': request.args.get('param'), 'all': request.args.getlist('param'), 'keys': list(request.args.keys())})


@app.route('/probe/json', methods=['POST', 'PUT'])
def probe_json():
    # What a handler receives for a JSON body: null stays None, [] an empty list.
    data = request.get_json()
    return jsonify({'type': type(data).__name__, 'value': data})


@app.route('/probe/echo', methods=['POST'])
def probe_echo():
    # The body answered back as it came.
    return jsonify(request.get_json())


@app.route('/probe/dir/')
def probe_dir():
    return "dir"


@app.route('/probe/item', methods=['GET', 'PUT'])
def probe_item():
    return jsonify({'method': request.method})


@app.route('/probe/conv/<int:n>')
def probe_int(n):
    return jsonify({'int': n})


@app.route('/probe/conv/<float:x>')
def probe_float(x):
    return jsonify({'float': x})


@app.route('/probe/conv/<name>')
def probe_name(name):
    return jsonify({'string': name})


@app.route('/probe/id/<uuid:u>')
def probe_uuid(u):
    return jsonify({'uuid': str(u)})


@app.route('/probe/files/<path:rest>')
def probe_path(rest):
    return jsonify({'path': rest})


if __name__ == '__main__':
    app.run(host='127.0.0.1', port=int(sys.argv[1]))
